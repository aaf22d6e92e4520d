export { registerQueueMetrics } from './queue-metrics.ts';
export { migrateJobQueue, startWorker, type WorkerHandle, type WorkerOptions } from './worker.ts';
