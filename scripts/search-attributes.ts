// Prints the case's search attributes as the Temporal CLI takes them (`Name=Type`, one a line), from the
// one definition in workflows/birth-case.contract.ts; `npm start` registers these on the dev server.
import type { SearchAttributeType } from '@temporalio/common';
import { CaseSearchAttributes } from '../workflows/birth-case.contract';

const CLI_TYPE: Record<SearchAttributeType, string> = {
  TEXT: 'Text', KEYWORD: 'Keyword', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList',
};

export const cliSearchAttributes = (): string[] => Object.values(CaseSearchAttributes).map((k) => `${k.name}=${CLI_TYPE[k.type]}`);

if (require.main === module) process.stdout.write(`${cliSearchAttributes().join('\n')}\n`);
