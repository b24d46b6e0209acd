// The workflow bundle's entry: every workflow type the worker registers.
export { birthCaseWorkflow } from './birth-case.workflow';
