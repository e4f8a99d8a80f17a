/**
 * @module platform/serve/fine-tuning
 * The OpenAI fine-tuning API (`/v1/files`, `/v1/fine_tuning/jobs`) for `sling serve`; mounted by the serve stack.
 * Importing it registers the `fine-tune` job handler, so `sling worker` processes can run those jobs as well.
 */
export { registerFineTuningRoutes, type FineTuningRouteOptions } from './routes.ts';
export { FineTuningFiles, checkTrainingJsonl, fileObject } from './file-store.ts';
export { fineTuneJob, recipeFor, type FineTuneJobPayload, type FineTuneHyperparameters } from './fine-tune-job.ts';
