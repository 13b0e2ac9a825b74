// Contract cases of the Authentication tag against the embedded mock.
import { contractSuite } from './suite.ts';

contractSuite('Authentication');
