// Contract cases of the Partner single sign-on tag against the embedded mock.
import { contractSuite } from './suite.ts';

contractSuite('Partner single sign-on');
