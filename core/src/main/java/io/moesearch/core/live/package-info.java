/**
 * The live catalogue: changes applied on top of an immutable index artifact. A {@link DeltaEntry}
 * is one product's newest state as one serving slot sees it; a {@link LiveSlot} holds a slot's
 * entries as an in-memory Lucene index of upserted products plus the filters that hide deleted,
 * replaced and patched products inside the artifact's HNSW and BM25 searches.
 */
package io.moesearch.core.live;
