// Contract cases of the Logout tag against the embedded mock.
import { contractSuite } from './suite.ts';

contractSuite('Logout');
