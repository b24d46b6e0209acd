// Where the recorded histories live and what is known about each (shared by the recorder and the test).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const HISTORIES_DIR = join(__dirname, 'histories');
export const INDEX_FILE = join(HISTORIES_DIR, 'index.json');

export interface RecordedHistory {
  /** file name in HISTORIES_DIR; its name without `.json` is the scenario (plus any tag) */
  file: string;
  description: string;
  /** histories carry no workflow id; replay gets it from here, since the workflow derives keys from it */
  workflowId: string;
  workflowType: string;
  events: number;
  recordedAt: string;
  sdkVersion: string;
  temporalCli: string;
  gitCommit: string | null;
  /** workflow-code paths with uncommitted changes when recorded (empty: recorded from gitCommit) */
  uncommittedWorkflowCode: string[];
  /** sha256 of the workflow bundle that produced the history */
  bundleSha256: string;
}

export interface HistoryIndex { histories: Record<string, RecordedHistory> }

export const scenarioOf = (file: string): string => basename(file, '.json');

/** Every recorded history file, by name, sorted; the index is not one. */
export function historyFiles(): string[] {
  if (!existsSync(HISTORIES_DIR)) return [];
  return readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
}

export function readIndex(): HistoryIndex {
  return existsSync(INDEX_FILE) ? (JSON.parse(readFileSync(INDEX_FILE, 'utf8')) as HistoryIndex) : { histories: {} };
}

export function readHistoryJson(file: string): unknown {
  return JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'));
}
