// A billion-laughs YAML document: 14 lines whose value would hold 9^13 strings. It parses; building
// its value is what `yaml` refuses ("Excessive alias count indicates a resource exhaustion attack").
export const ALIAS_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 12 }, (_, i) => `b${i}: &b${i} [${Array(9).fill(i ? `*b${i - 1}` : '*a').join(', ')}]`)].join('\n');
