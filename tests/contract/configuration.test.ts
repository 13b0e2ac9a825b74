// Contract cases of the Configuration tag against the embedded mock.
import { contractSuite } from './suite.ts';

contractSuite('Configuration');
