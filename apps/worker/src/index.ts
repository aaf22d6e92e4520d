export { migrateJobQueue, registerQueueMetrics, startWorker, type WorkerHandle } from './worker.ts';
