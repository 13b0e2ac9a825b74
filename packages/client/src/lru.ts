// A Map as a least-recently-used cache: Map keeps insertion order, so re-inserting a key makes it
// the most recent and the first key is the one to forget.

/** Stores `value` under `key` as the most recently used entry, forgetting the oldest beyond `max`. */
export function setRecent<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}
