/**
 * @module platform/eval/baselines/tfidf-classifier
 * The classical text-classification baseline every fine-tune must beat: TF-IDF features and multinomial
 * logistic regression, trained on the train split's rows and answering as a ChatModel of kind 'baseline'
 * (its answer is the predicted label, exactly as spelled in the training rows).
 */
import { SlingError } from '../../../core/errors.ts';
import { approximateTokenCount, type ChatModel, type ChatRequest, type ChatResult } from '../chat-model.ts';
import { lastUserText, promptOf, referenceOf, type EvalRow } from '../eval-row.ts';
import { learnPromptTemplate, stripPromptTemplate, type PromptTemplate } from './prompt-template.ts';
import { fitTfidf, transformTfidf, type TfidfModel, type TfidfOptions } from './text-features.ts';
import { predictProbabilities, trainSoftmaxRegression } from './softmax-regression.ts';

export interface TfidfClassifierOptions extends TfidfOptions {
  name?: string;
  C?: number;
  maxIterations?: number;
}

export interface TfidfClassifier extends ChatModel {
  labels: string[];
  template: PromptTemplate;
  predict(text: string): { label: string; probabilities: Float64Array };
  training: { iterations: number; converged: boolean; vocabularySize: number; lossHistory: { step: number; value: number }[] };
}

/** The label a training row teaches: `row.label` if set, else the reference answer itself. */
export function trainingLabel(row: EvalRow, index: number): string {
  return (row.label ?? referenceOf(row, index)).trim();
}

export function trainTfidfClassifier(rows: readonly EvalRow[], options: TfidfClassifierOptions = {}): TfidfClassifier {
  if (rows.length === 0) {
    throw new SlingError('baseline_no_training_rows', 'cannot train a TF-IDF baseline without training rows', {
      hint: 'make sure the dataset has rows with split "train"',
    });
  }
  const prompts = rows.map((row) => lastUserText(promptOf(row)));
  const template = learnPromptTemplate(prompts);
  const texts = prompts.map((prompt) => stripPromptTemplate(template, prompt));
  const targetsText = rows.map(trainingLabel);
  const labels = [...new Set(targetsText)].sort();
  const tfidf: TfidfModel = fitTfidf(texts, {
    minDocumentFrequency: options.minDocumentFrequency ?? 1,
    maxNgram: options.maxNgram ?? 2,
    sublinearTf: options.sublinearTf ?? true,
  });
  const features = texts.map((text) => transformTfidf(tfidf, text));
  const targets = targetsText.map((label) => labels.indexOf(label));
  const regression = trainSoftmaxRegression(
    features,
    targets,
    labels.length,
    tfidf.vocabulary.size,
    { C: options.C ?? 10, maxIterations: options.maxIterations },
  );
  const predict = (text: string) => {
    const probabilities = predictProbabilities(regression, transformTfidf(tfidf, stripPromptTemplate(template, text)));
    let best = 0;
    for (let k = 1; k < probabilities.length; k++) if (probabilities[k] > probabilities[best]) best = k;
    return { label: labels[best], probabilities };
  };
  return {
    name: options.name ?? 'tfidf-logreg',
    kind: 'baseline',
    labels,
    template,
    predict,
    training: { iterations: regression.iterations, converged: regression.converged, vocabularySize: tfidf.vocabulary.size, lossHistory: regression.lossHistory },
    async complete(request: ChatRequest): Promise<ChatResult> {
      const started = performance.now();
      const input = lastUserText(request.messages);
      const { label } = predict(input);
      const elapsed = performance.now() - started;
      return {
        text: label,
        inputTokens: approximateTokenCount(request.messages.map((message) => message.content).join('\n')),
        outputTokens: approximateTokenCount(label),
        latencyMs: elapsed,
        computeMs: elapsed,
      };
    },
  };
}
