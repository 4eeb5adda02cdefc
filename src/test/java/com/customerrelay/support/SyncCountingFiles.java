package com.customerrelay.support;

import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An H2 file system ({@code jdbc:h2:syncs:<path>}) over the real one that counts what reaches the disk for sure:
 * the writes to the store's files and the {@code force} calls (fsync/fdatasync) after them. A test can then tell
 * whether a commit was forced to the device before the relay acknowledged it, as a power cut would.
 */
public final class SyncCountingFiles extends FilePathWrapper {

    private static final AtomicInteger FORCES = new AtomicInteger();
    /** Writes since the last force, over every file of the store. */
    private static final AtomicInteger UNFORCED_WRITES = new AtomicInteger();

    static {
        FilePath.register(new SyncCountingFiles());
    }

    /** Makes the {@code syncs:} prefix known to H2; returns the JDBC URL of a store at {@code path}. */
    public static String url(String path) {
        return "jdbc:h2:syncs:" + path;
    }

    public static int forces() {
        return FORCES.get();
    }

    public static int unforcedWrites() {
        return UNFORCED_WRITES.get();
    }

    @Override
    public String getScheme() {
        return "syncs";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        return new Counted(getBase().open(mode));
    }

    private static final class Counted extends FileBase {
        private final FileChannel base;

        Counted(FileChannel base) {
            this.base = base;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return base.read(dst);
        }

        @Override
        public synchronized int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            UNFORCED_WRITES.incrementAndGet();
            return base.write(src);
        }

        @Override
        public synchronized int write(ByteBuffer src, long position) throws IOException {
            UNFORCED_WRITES.incrementAndGet();
            return base.write(src, position);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            base.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            base.force(metaData);
            UNFORCED_WRITES.set(0);
            FORCES.incrementAndGet();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }
    }
}
