// Contract cases of the Profiles tag against the embedded mock.
import { contractSuite } from './suite.ts';

contractSuite('Profiles');
