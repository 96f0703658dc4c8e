/**
 * Test fixtures of the core, shared by other modules' tests through the core's test jar: a small
 * index built with the real model ({@code SmallIndex}), the spellings a client can send for the
 * same words ({@code TextVariants}), and a character-counting {@code CharSequence} that bounds an
 * algorithm's work by reads, not by time.
 */
package io.moesearch.core.testing;
