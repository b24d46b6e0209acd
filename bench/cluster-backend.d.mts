// Types of bench/cluster-backend.mjs (bench/run.ts imports it).
export interface ClusterBackend {
  /** host:port of the Temporal frontend */
  address: string;
  namespace: string;
  /** the project's database (access records, sessions, the read model) on the cluster's PostgreSQL */
  databaseUrl: string;
  /** a database of its own for the read model at scale (part read-model-scale) */
  scaleDatabaseUrl: string;
  detail: { temporalServer: string; historyShards: number; postgres: string; dataDir: string };
  pids(): { temporal: number | undefined; postgres: number | undefined };
  serverDatabaseBytes(): number;
  /** each table of Temporal's two databases (`database.table`): bytes on disk with its indexes and TOAST */
  serverTableBytes(): Record<string, number>;
  /** the mean size of the live `executions` rows (a workflow's mutable state) whose workflow id starts with `prefix` */
  executionRowBytes(prefix: string): number;
  /** stops the server and PostgreSQL, removes the data folder */
  stop(): Promise<void>;
}

export function startClusterBackend(options: { searchAttributes: string[]; historyShards?: number; namespace?: string; log?: (m: string) => void }): Promise<ClusterBackend>;
