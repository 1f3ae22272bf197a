import type { RunningServer } from '../../temporal/server';
import { dropClusterDatabases } from './clusterGlobalSetup';

export default async function clusterGlobalTeardown(): Promise<void> {
  const state = globalThis as { __fareflowCluster?: RunningServer };
  await state.__fareflowCluster?.stop();
  delete state.__fareflowCluster;
  await dropClusterDatabases();
}
