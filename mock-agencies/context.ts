// What every agency's routes get from the server: the store, faults, callbacks, the timed events and
// the scaled clock.
import type { Logger } from 'pino';
import type { CallbackOutbox } from './callback-outbox';
import type { ExchangeTiming } from './exchange.routes';
import type { FaultInjector } from './faults';
import type { EventScheduler } from './scheduler';
import type { MockStore } from './store';

export interface MockContext {
  store: MockStore;
  faults: FaultInjector;
  callbacks: CallbackOutbox;
  scheduler: EventScheduler;
  log: Logger;
  /** agency days → real milliseconds (MOCK_TIME_SCALE_SECONDS_PER_DAY) */
  daysToMs(days: number): number;
  premiumTable: Readonly<Record<number, number>>;
  cardProductionDays: number;
  reviewSlaDays: number;
  /** the exchange's service levels and answer times per channel, in agency days (issue 19) */
  exchangeTiming: ExchangeTiming;
}
