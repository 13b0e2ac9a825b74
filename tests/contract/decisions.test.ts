// Contract cases of the Decisions tag against the embedded mock.
import { contractSuite } from './suite.ts';

contractSuite('Decisions');
