// The workflow bundle's entry: every workflow type the worker registers.
export { birthCaseWorkflow } from './birth-case.workflow';
// Issue 18: the family registration (生育登记), on the same task queue.
export { familyRegistrationWorkflow } from './family-registration.workflow';
