// Project lint rules for the pass-contract description (Redocly CLI plugin).

const CAMEL_VERB_NOUN = /^[a-z]+[A-Z][A-Za-z0-9]*$/;

/** operationIds become client method and test names: camelCase, a verb then a noun. */
function operationIdVerbNoun() {
  return {
    Operation: {
      enter(operation, ctx) {
        const id = operation.operationId;
        if (typeof id === 'string' && !CAMEL_VERB_NOUN.test(id)) {
          ctx.report({
            message: `operationId "${id}" must be camelCase verb + noun (e.g. initiateLogout).`,
            location: ctx.location.child('operationId'),
          });
        }
      },
    },
  };
}

/**
 * Every operation shows its success: a named example on a 2xx body, or, for an operation whose
 * success is a redirect, a named example on the 3xx response's Location header.
 */
function successExample() {
  return {
    Operation: {
      enter(operation, ctx) {
        const responses = ctx.resolve(operation.responses).node ?? {};
        const hasExample = Object.entries(responses).some(([status, ref]) => {
          if (!/^[23]\d\d$/.test(status)) return false;
          const response = ctx.resolve(ref).node ?? {};
          const media = Object.values(response.content ?? {});
          if (media.some((m) => Object.keys(m.examples ?? {}).length > 0)) return true;
          const headers = Object.values(response.headers ?? {}).map((h) => ctx.resolve(h).node ?? {});
          return status.startsWith('3') && headers.some((h) => Object.keys(h.examples ?? {}).length > 0);
        });
        if (!hasExample) {
          ctx.report({
            message: 'Operation has no named example on a success (2xx body or 3xx Location) response.',
            location: ctx.location.child('responses'),
          });
        }
      },
    },
  };
}

/** Adobe throttles every endpoint; every operation documents its 429. */
function documents429() {
  return {
    Operation: {
      enter(operation, ctx) {
        if (!operation.responses || !('429' in operation.responses)) {
          ctx.report({
            message: 'Operation must document 429 (throttling): $ref components/responses/TooManyRequests.yaml.',
            location: ctx.location.child('responses'),
          });
        }
      },
    },
  };
}

/** Each operation links to its Adobe page. */
function linksAdobePage() {
  return {
    Operation: {
      enter(operation, ctx) {
        const url = operation.externalDocs?.url ?? '';
        if (!url.startsWith('https://experienceleague.adobe.com/')) {
          ctx.report({
            message: 'Operation must link its Adobe documentation page in externalDocs.url.',
            location: ctx.location.child('externalDocs'),
          });
        }
      },
    },
  };
}

export default function passRules() {
  return {
    id: 'pass',
    rules: {
      oas3: {
        'operation-id-verb-noun': operationIdVerbNoun,
        'operation-success-example': successExample,
        'operation-429': documents429,
        'operation-adobe-page': linksAdobePage,
      },
    },
  };
}
