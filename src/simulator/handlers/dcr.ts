// Dynamic Client Registration: software statement → client credentials → access tokens that expire.
import type { SimContext, OpRequest } from '../context.ts';
import { json, type SimResponse } from '../reply.ts';

export interface ClientRecord { clientSecret: string; statement: string; serviceProviders: string[]; issuedAt: number }
export interface TokenRecord { clientId: string; serviceProviders: string[]; expiresAt: number }

const oauth = (error: string) => json(400, { error });

export async function retrieveClientCredentials(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const body = r.body as { software_statement: string; redirect_uri?: string };
  const statement = ctx.scenario.softwareStatements.find((s) => s.statement === body.software_statement);
  // A well-formed statement Adobe did not issue for this simulator is not approved.
  if (!statement) return oauth('unapproved_software_statement');
  if (body.redirect_uri && statement.redirectUris.length > 0 && !statement.redirectUris.includes(body.redirect_uri)) return oauth('invalid_redirect_uri');
  const clientId = ctx.random.string(10);
  const clientSecret = ctx.random.string(10);
  const issuedAt = Math.floor(ctx.clock.now() / 1000);
  await ctx.store.set<ClientRecord>('clients', clientId, { clientSecret, statement: statement.name, serviceProviders: statement.serviceProviders, issuedAt });
  return json(201, {
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: body.redirect_uri ? [body.redirect_uri] : statement.redirectUris,
    grant_types: ['client_credentials'],
    scopes: ['api:client:v2'],
    client_id_issued_at: issuedAt,
  });
}

export async function retrieveAccessToken(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const body = r.body as { client_id: string; client_secret: string; grant_type: string };
  if (body.grant_type !== 'client_credentials') return oauth('unsupported_grant_type');
  const client = await ctx.store.get<ClientRecord>('clients', body.client_id);
  if (!client || client.clientSecret !== body.client_secret) return oauth('invalid_client');
  const now = ctx.clock.now();
  const token = ctx.random.string(22);
  const expiresAt = now + ctx.scenario.ttl.accessTokenMs;
  await ctx.store.set<TokenRecord>('tokens', token, { clientId: body.client_id, serviceProviders: client.serviceProviders, expiresAt }, expiresAt);
  return json(201, { id: ctx.random.uuid(), access_token: token, created_at: now, expires_in: Math.floor(ctx.scenario.ttl.accessTokenMs / 1000), token_type: 'bearer' });
}
