import type { Detector } from '../detector.js';
import { aiDetectors } from './ai.js';
import { chatDetectors } from './chat.js';
import { cloudDetectors } from './cloud.js';
import { codeHostDetectors } from './code-hosts.js';
import { credentialFileDetectors, credentialStoreDetectors } from './credential-files.js';
import { formatDetectors } from './formats.js';
import { formDetectors } from './forms.js';
import { genericDetectors } from './generic.js';
import { githubDetectors } from './github.js';
import { hostingDetectors } from './hosting.js';
import { infrastructureDetectors } from './infrastructure.js';
import { keyedDetectors } from './keyed.js';
import { messagingDetectors } from './messaging.js';
import { observabilityDetectors } from './observability.js';
import { paymentDetectors } from './payments.js';
import { prefixedDetectors } from './prefixed.js';
import { registryDetectors } from './registries.js';
import { securityDetectors } from './security.js';
import { socialDetectors } from './social.js';
import { workToolDetectors } from './work-tools.js';

/**
 * The whole catalog. Each provider group lives in its own module beside its samples; adding a
 * detector takes the detector and its samples, nothing else.
 */
export const allDetectors: Detector[] = [
  ...cloudDetectors,
  ...githubDetectors,
  ...codeHostDetectors,
  ...registryDetectors,
  ...chatDetectors,
  ...paymentDetectors,
  ...messagingDetectors,
  ...aiDetectors,
  ...observabilityDetectors,
  ...hostingDetectors,
  ...infrastructureDetectors,
  ...workToolDetectors,
  ...securityDetectors,
  ...socialDetectors,
  // Table-built rows (table.ts): distinctive prefixes, then provider-name-anchored keys.
  ...prefixedDetectors,
  ...keyedDetectors,
  ...formatDetectors,
  ...formDetectors,
  ...credentialFileDetectors,
  ...credentialStoreDetectors,
  ...genericDetectors,
];
