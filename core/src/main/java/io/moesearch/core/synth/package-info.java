/**
 * Synthetic catalogues and brute-force ground truth for the routing benchmarks at scales the
 * shipped catalogue does not reach (for example 1M × 384), generated from a seed.
 */
package io.moesearch.core.synth;
