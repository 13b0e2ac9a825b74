// Shared fixture for description tests: the bundled document, its operations and validators.
import { listOperations, loadBundledDescription } from '../../src/description/document.ts';
import { DescriptionValidator } from '../../src/description/validator.ts';

export const doc = loadBundledDescription();
export const operations = listOperations(doc);
export const validator = new DescriptionValidator(doc);

/** `initiateLogout › logoutWithEndpoint` — the naming convention of our test cases. */
export const caseName = (operationId: string, what: string) => `${operationId} › ${what}`;
