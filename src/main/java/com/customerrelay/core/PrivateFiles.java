package com.customerrelay.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * Files of personal data and secrets that the relay writes (dead letters, error notes, the HTTP API key, its data
 * folder): readable by the relay's own user only — folders 0700, files 0600 — whatever the umask, and each file
 * written whole before it appears under its name. On a file system without POSIX permissions the platform's
 * defaults apply.
 */
public final class PrivateFiles {

    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} and its missing parents, those it creates owner-only. */
    public static Path createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return dir;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(absolute, attribute(FOLDER));
        } catch (FileAlreadyExistsException raced) {
            // made meanwhile by another thread or relay
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(absolute);
        }
        return dir;
    }

    /** Writes {@code text} to {@code file} (owner-only) through a file beside it, moved over it in one step. */
    public static Path write(Path file, String text) throws IOException {
        Path tmp = temporary(file, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /**
     * Writes {@code text} to {@code file} (owner-only) only if no such file exists, in one step: two writers at once
     * leave one whole file, never a mix or an empty one. False when the file was there already.
     */
    public static boolean writeIfAbsent(Path file, String text) throws IOException {
        Path tmp = temporary(file, text);
        try {
            Files.createLink(file, tmp);
            return true;
        } catch (FileAlreadyExistsException there) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path temporary(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createFile(tmp, attribute(FILE));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        return tmp;
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
