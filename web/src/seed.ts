// The seed walkthrough's manifests, bundled as text by esbuild (scripts/build-web.ts loads .yaml files as strings).
import restricted from '../../examples/01-restricted-deployment.yaml';
import nginx from '../../examples/02-nginx-deployment.yaml';
import debug from '../../examples/03-debug-container-daemonset.yaml';
import { joinManifests } from './examples.ts';

/** The three manifests of the seed's walkthrough as one stream: what the page loads as its example. */
export const SEED_MANIFESTS = joinManifests([restricted, nginx, debug]);
