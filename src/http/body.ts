// Reads an incoming request's body as text (undefined when it has no bytes).
import type { IncomingMessage } from 'node:http';

export async function readBodyText(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
}
