// Grouping rows for a report (Map.groupBy, which Node 20 lacks), one item at a time or in one pass.

/** Adds `value` to the list under `key`, starting the list when there is none. */
export function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `items` grouped by `key`, groups in the order of their first item, items in their order. */
export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) append(groups, key(item), item);
  return groups;
}
