package com.customerrelay.benchmark;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What every benchmark is: tagged {@code benchmark}, which keeps it out of the normal test run (the pom's surefire
 * {@code excludedGroups}; {@code -Dsurefire.excludedGroups=none} lets it in), given three hours rather than the tests'
 * default time limit (junit-platform.properties), and a folder of its own. Both annotations are inherited.
 */
@Tag("benchmark")
@Timeout(value = 3, unit = TimeUnit.HOURS)
abstract class BenchmarkCase {

    @TempDir
    Path dir;
}
