// Each test gets a fresh fixture, so the mocks a test sets up never leak into the next one.
[assembly: FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
