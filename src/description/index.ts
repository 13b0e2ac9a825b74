// The description loaded and prepared once: the document, its operations, a router and the compiled validators.
// Every consumer (check, mock, proxy, simulator) takes this object instead of reading the file again.
import { bundledDescriptionPath, listOperations, loadBundledDescription, type OpenApiDocument, type Operation } from './document.ts';
import { Router } from './routes.ts';
import { DescriptionValidator } from './validator.ts';

export interface Description {
  /** Where the bundled JSON was read from. */
  path: string;
  doc: OpenApiDocument;
  operations: Operation[];
  router: Router;
  /** Ajv validators, compiled on first use and cached for the life of this object. */
  validator: DescriptionValidator;
}

/** Reads and prepares the bundled description (default `generated/openapi.json`). */
export function loadDescription(path: string = bundledDescriptionPath): Description {
  const doc = loadBundledDescription(path);
  const operations = listOperations(doc);
  return { path, doc, operations, router: new Router(operations), validator: new DescriptionValidator(doc) };
}
