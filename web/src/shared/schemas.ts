// The API's own request schemas and Chinese messages, bundled into the pages (pure modules, no I/O).
import { GrandparentRelation, SupplementGround } from '../../../domain/policy/conditions';

export {
  caseCreateRequestSchema, CorrectionRequest, TrackInputRequest, TrackRequest, validate, FIELD_LABELS,
} from '../../../domain/case.schemas';
export const GRANDPARENT_RELATIONS = GrandparentRelation.options;
export const SUPPLEMENT_GROUNDS = SupplementGround.options;
export { expectedMonthWindow, familyRegistrationRequestSchema } from '../../../domain/family-registration';
