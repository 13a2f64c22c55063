package io.hashwatch.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record component of reference type that may be written as JSON null. Boxed numbers and booleans are nullable
 * without it (that is why they are boxed); strings, lists, maps and nested records are not unless they carry it. The
 * topics' JSON Schemas (docs/schemas/) say so.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Nullable {
}
