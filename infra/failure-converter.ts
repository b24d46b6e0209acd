// Loaded by path (DataConverter.failureConverterPath) in the API's client, the worker and the workflow
// sandbox: failure messages and stack traces travel as an encoded payload, so the payload codec encrypts
// them too (a message may name the field or value that failed). Imports only @temporalio/common.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
