// Every rule the audit checks, in report order, and the rules of Adobe's it cannot check from traffic.
import { PAGES, type NotCheckable, type Rule } from '../rule.ts';
import { configurationCache, configurationWhenNeeded } from './configuration.ts';
import { logoutNotAfterDeny, preauthorizationCachePermits } from './decisions.ts';
import { authorizationHeader, deviceIdentifierHeader, deviceIdentifierStable, deviceInfoHeader, forwardedFor } from './headers.ts';
import { documentedOnly } from './parameters.ts';
import { pollingInterval, pollingStop } from './polling.ts';
import { registrationOnce, tokenExpiredUse, tokenRefreshOn401, tokenReuse } from './registration.ts';
import { retryBounded, retryOnlyFailedItems, retryOnlyWhenRetry } from './retries.ts';
import { throttleRate, throttleWaitAfter429 } from './throttle.ts';

export const RULES: readonly Rule[] = [
  registrationOnce,
  tokenReuse,
  tokenExpiredUse,
  tokenRefreshOn401,
  configurationWhenNeeded,
  configurationCache,
  pollingInterval,
  pollingStop,
  preauthorizationCachePermits,
  retryBounded,
  retryOnlyWhenRetry,
  retryOnlyFailedItems,
  logoutNotAfterDeny,
  authorizationHeader,
  deviceIdentifierHeader,
  deviceInfoHeader,
  deviceIdentifierStable,
  forwardedFor,
  documentedOnly,
  throttleRate,
  throttleWaitAfter429,
];

const C = PAGES.checklist;
const M = 'Mandatory requirements';
const R = 'Recommended practices';

/** Rules whose evidence is not in HTTP traffic: reported as "not checkable", never as passed. */
export const NOT_CHECKABLE: readonly NotCheckable[] = [
  { id: 'registration.v2-scope', level: 'MUST', title: 'Use a registered application with REST API v2 scope', sources: [{ page: C, section: `${M} › 1. Registration Phase › Registered Application Scoping`, words: 'The registered application has the REST API v2 scope.' }], why: 'The scope lives in the software statement and the TVE Dashboard; a 401 can have other causes.' },
  { id: 'registration.persistent-storage', level: 'MUST', title: 'Keep client credentials and access tokens in persistent storage', sources: [{ page: C, section: `${M} › 1. Registration Phase`, words: 'Client credentials and access tokens survive restarts.' }], why: 'Traffic shows reuse within the recording (registration.once, token.reuse), not whether the storage survives a restart; record across a restart to see it.' },
  { id: 'configuration.mvpd-selection-storage', level: 'MUST', title: 'Store the selected MVPD (id, displayName, logoUrl)', sources: [{ page: C, section: `${M} › 2. Configuration Phase › TV Provider Selection Caching`, words: 'Keep the selected MVPD\'s id, displayName and logoUrl in persistent storage.' }], why: 'Storage on the device or service is invisible in traffic.' },
  { id: 'polling.start', level: 'MUST', title: 'Start polling at the right moment', sources: [{ page: C, section: `${M} › 3. Authentication Phase › Polling Mechanism Starting`, words: 'First screen: start when the redirectUrl page has loaded; second screen: right after the Sessions response, while the code is shown.' }], why: 'Which screen the user sees and when the redirect page loaded are not in the API traffic.' },
  { id: 'authentication.profile-storage', level: 'MUST', title: 'Cache the profile\'s mvpd and attributes', sources: [{ page: C, section: `${M} › 3. Authentication Phase › Profiles Caching`, words: 'Keep the profile\'s mvpd and attributes in persistent storage.' }], why: 'Storage is invisible in traffic; repeated profile reads can have legitimate reasons (attributes change after authorization).' },
  { id: 'preauthorization.content-filtering-only', level: 'MUST', title: 'Use preauthorization only to filter content, never for playback', sources: [{ page: C, section: `${M} › 4. (Optional) Preauthorization Phase › Preauthorization Decisions Retrieval`, words: 'Preauthorization decisions filter the catalogue; they never decide playback.' }], why: 'What the application does with a decision is not in the traffic.' },
  { id: 'authorization.before-playback', level: 'MUST', title: 'Obtain an authorization decision before every playback', sources: [{ page: C, section: `${M} › 5. Authorization Phase › Authorization Decisions Retrieval`, words: 'Ask for authorization before each playback, whatever preauthorization said; a fresh one for the next playback.' }], why: 'Playback starts are not in the API traffic.' },
  { id: 'authorization.media-token-expiry', level: 'MUST', title: 'Let playback continue when the media token expires', sources: [{ page: C, section: `${M} › 5. Authorization Phase › Authorization Decisions Retrieval`, words: 'A stream keeps playing when its media token expires; the next playback asks again.' }], why: 'Player behaviour is not in the API traffic.' },
  { id: 'logout.follow-actions', level: 'MUST', title: 'Implement logout and follow its actions', sources: [{ page: C, section: `${M} › 6. Logout Phase › Logout Support`, words: 'Offer logout; open the returned url in a user agent for MVPD logout; guide appleSSO users to Apple\'s settings.' }], why: 'A user agent opening the url and on-screen guidance are outside the API traffic (a browser HAR may show the url being opened, but not its absence as a fault).' },
  { id: 'headers.truthful-device', level: 'MUST', title: 'Device headers describe the actual streaming device', sources: [{ page: C, section: `${M} › 7. Parameters and Headers`, words: 'AP-Device-Identifier and X-Device-Info reflect the real streaming device, also when a server sends them.' }], why: 'Whether a value is true to the device is unknowable from the value; presence and stability are checked (headers.*).' },
  { id: 'errors.user-handling', level: 'MUST', title: 'Handle enhanced error codes and HTTP errors in the application', sources: [{ page: C, section: `${M} › 8. Error Handling`, words: 'Act on each error\'s action; tell HTTP errors from 200/201 answers that carry enhanced errors.' }], why: 'Only repeated calls are visible (retry.*); messages to the user and fallbacks are not.' },
  { id: 'testing.non-production', level: 'MUST', title: 'Test in Prequal and Release-Staging before production', sources: [{ page: C, section: `${M} › 9. Testing › Lifecycle Testing`, words: 'Develop and test against the non-production environments before launching.' }], why: 'A process requirement; one recording cannot show the history of a release.' },
  { id: 'authorization.media-token-validation', level: 'SHOULD', title: 'Validate media tokens with the Media Token Verifier', sources: [{ page: C, section: `${R} › 5. Authorization Phase › Media Tokens Validation`, words: 'Verify media tokens with Adobe\'s Media Token Verifier library.' }], why: 'Verification runs locally in the programmer\'s service; it sends nothing to Adobe.' },
  { id: 'authentication.code-validation', level: 'SHOULD', title: 'Validate the code on the second screen before opening the authenticate page', sources: [{ page: C, section: `${R} › 3. Authentication Phase › Authentication Code Validation`, words: 'The second-screen application checks the typed code (resume or retrieve the session) before calling /api/v2/authenticate.' }], why: 'The second screen\'s traffic is usually a different recording; a first-screen flow legitimately opens the authenticate url without it.' },
  { id: 'authentication.multiple-profiles', level: 'SHOULD', title: 'Support multiple profiles', sources: [{ page: C, section: `${R} › 3. Authentication Phase › Multiple Profiles Support`, words: 'Let the user pick a profile, or pick one by rule (e.g. the longest validity).' }], why: 'Choice logic is inside the application.' },
  { id: 'experience.deny-feedback', level: 'SHOULD', title: 'Explain denied decisions to the user', sources: [{ page: C, section: `${R} › 4./5. … User Experience`, words: 'Show the MVPD\'s or Adobe\'s message for a denied (pre)authorization.' }], why: 'The screen is not in the traffic.' },
  { id: 'flows.enhanced', level: 'SHOULD', title: 'Support degraded, temporary and single sign-on flows when the business needs them', sources: [{ page: C, section: `${R} › 3. Authentication Phase › Non-Basic Flows Support`, words: 'Support degraded access, TempPass and single sign-on where required.' }], why: 'Whether the business needs a flow is not in the traffic.' },
  { id: 'code.reuse-v1', level: 'SHOULD', title: 'Reuse REST API v1 code for device headers and DCR', sources: [{ page: C, section: `${R} › 7. Parameters and Headers › Reuse Code`, words: 'Reuse v1 code for device identifier, device information and DCR, adjusted to v2.' }], why: 'A development practice; its failure mode (v1 parameters sent to v2) is checked by parameters.documented-only.' },
  { id: 'testing.coverage', level: 'SHOULD', title: 'Test every basic flow across devices and top MVPDs', sources: [{ page: C, section: `${R} › 8. Testing › Test Coverage`, words: 'Test authentication, (pre)authorization permit and deny, logout and the enhanced flows across platforms and the main MVPDs.' }], why: 'Coverage of a test campaign is not a property of one recording.' },
  { id: 'infrastructure.dns-cache', level: 'SHOULD', title: 'Cache DNS for at most 30 seconds', sources: [{ page: PAGES.cookbook, section: 'Environments › Production', words: 'The programmer service limits DNS caching to 30 seconds so Adobe can move traffic between data centres.' }], why: 'DNS lookups are below HTTP and not in a HAR file.' },
];
