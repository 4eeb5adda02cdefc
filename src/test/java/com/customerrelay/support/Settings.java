package com.customerrelay.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Relay settings ({@code "key=value"}) of a {@link RelayTestKit} test class, as {@code @CamelMainTest(properties = …)}
 * gives them to an annotated test: those of the class it extends and the class it is nested in first, its own last,
 * so that a {@code @Nested} group's settings win over those it shares. Settings that are only
 * known at run time (a WireMock URL) are given by {@link RelayTestKit#configure}, which comes after.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Settings {

    String[] value();
}
