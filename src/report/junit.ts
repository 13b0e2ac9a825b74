// JUnit XML for CI through junit-report-builder: one place for its import quirk.
import junitModule, { type Builder } from 'junit-report-builder';

// The package's types declare an ES default export; at run time module.exports is the builder itself.
const junit = junitModule as unknown as Builder;

/** A fresh builder (the module's default one is shared by everyone who imports it). */
export const newJunitBuilder = (): Builder => junit.newBuilder();
