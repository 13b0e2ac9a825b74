// Contract cases of the Registration tag against the embedded mock.
import { contractSuite } from './suite.ts';

contractSuite('Registration');
