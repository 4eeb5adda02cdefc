package com.customerrelay.sync;

import java.util.List;

/** A sync job's source read as a stream, one row at a time. */
interface RowReader extends AutoCloseable {

    /** The source's column names, as it spells them. */
    List<String> columns();

    /** The next row, or null at the end. */
    SyncRow next() throws Exception;

    @Override
    void close();
}
