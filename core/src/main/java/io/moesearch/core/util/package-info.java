/**
 * Small helpers with no domain knowledge: CSV reading, file utilities, vector arithmetic and a
 * seeded Zipf sampler.
 */
package io.moesearch.core.util;
