package com.customerrelay.delivery;

/**
 * An outcome message waiting in the store's outbox (PRODUCT.md §8): {@code body} the JSON the producer is sent,
 * {@code key} the record it is about (the Kafka key, so one record's outcomes stay in one partition), and
 * {@code replyTo} the JMSReplyTo its request came with ({@code queue:name} or {@code topic:name}; null: none).
 */
public record OutcomeNotice(String key, String replyTo, String body) {
}
