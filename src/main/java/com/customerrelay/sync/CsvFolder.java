package com.customerrelay.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A csv sync job's folder: the files a run reads, and where they go after it ({@code .done/}, or {@code .failed/}
 * with a note). Not camel-file: a run reads the folder's files one after another inside the job's run lock, counts
 * them into one report and stops at the lock's loss; a camel-file consumer would poll on its own schedule, each
 * file its own exchange outside the lock and the run.
 */
final class CsvFolder {

    private CsvFolder() {
    }

    /** The CSV files of {@code dir} in name order; with {@code minAgeMs} &gt; 0 only those unchanged for that long. */
    static List<Path> ready(Path dir, long minAgeMs) throws IOException {
        Files.createDirectories(dir);
        long before = System.currentTimeMillis() - minAgeMs;
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .filter(f -> minAgeMs <= 0 || modifiedBefore(f, before))
                    .sorted().toList();
        }
    }

    /** Moves {@code file} to {@code folder} beside it, with {@code note} (null: none) in {@code <name>.error.txt}. */
    static void moveTo(Path file, String folder, String note) throws IOException {
        Path dir = file.getParent().resolve(folder);
        Files.createDirectories(dir);
        String name = file.getFileName().toString();
        Files.move(file, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        if (note != null) {
            Files.writeString(dir.resolve(name + ".error.txt"), note, StandardCharsets.UTF_8);
        }
    }

    private static boolean modifiedBefore(Path file, long millis) {
        try {
            return Files.getLastModifiedTime(file).toMillis() <= millis;
        } catch (IOException gone) {
            return false;
        }
    }
}
