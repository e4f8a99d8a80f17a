/** @module platform/remote-training — fine-tune on any OpenAI-compatible fine-tuning API and register the result. */
export { trainRemotely, type RemoteTrainingOptions, type RemoteTrainingResult } from './remote-train.ts';
