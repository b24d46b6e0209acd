// Prints the OpenAPI document the API serves (api/openapi.ts), for the web build's type generation.
import { openApiDocument } from '../api/openapi';

process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
