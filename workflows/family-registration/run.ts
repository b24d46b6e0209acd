// One run of a family registration: what it holds (the state the query answers, the verdict, the messages
// that arrived), the one way an audit entry is written, and the health commission and SMS as activities.
import { condition, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AgencyActivities } from '../../activities/agency.types';
import { agencyActivityOptions } from '../../activities/agency-options';
import type { FamilyRegistrationActivities } from '../../activities/family-registration.types';
import { toShanghaiIso } from '../../domain/dates';
import type {
  CaseLinkedInput, FamilyRegistrationInput, RegistrationAuditEntry, RegistrationState, RegistrationVerdict,
} from '../family-registration.contract';

export const healthCommission = proxyActivities<FamilyRegistrationActivities>(agencyActivityOptions.healthCommission);
export const smsGateway = proxyActivities<Pick<AgencyActivities, 'sendSms'>>(agencyActivityOptions.sms);

export class RegistrationRun {
  /** set once the health commission has registered; the query answers it */
  state: RegistrationState | null = null;
  verdict: RegistrationVerdict | null = null;
  /** births linked by a case, not yet told to the health commission */
  readonly links: CaseLinkedInput[] = [];
  /** an update or the main loop is talking to the health commission; the others wait their turn */
  busy = false;
  /** bumped by every amendment: the clock is read again */
  version = 0;

  constructor(readonly input: FamilyRegistrationInput) {}

  /** An idempotency key for a step of this run (a new registration after a closed one is a new run). */
  key(step: string): string {
    const info = workflowInfo();
    return `${info.workflowId}:${info.firstExecutionRunId}:${step}`;
  }

  open(): boolean { return this.state?.status === 'registered'; }

  record(entry: Omit<RegistrationAuditEntry, 'at'>): void {
    this.state?.audit.push({ at: toShanghaiIso(Date.now()), ...entry });
  }

  /** Runs `act` when no other step talks to the health commission; one at a time. */
  async exclusive<T>(act: () => Promise<T>): Promise<T> {
    await condition(() => !this.busy);
    this.busy = true;
    try {
      return await act();
    } finally {
      this.busy = false;
    }
  }
}
