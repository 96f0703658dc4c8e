package io.moesearch.core.rank;

import java.util.List;
import java.util.Map;

/**
 * One judged query's candidates with their features, ready for fitting and scoring a ranking model.
 *
 * @param ids candidate product ids
 * @param features one feature vector per candidate
 * @param ratings the query's judgements (unjudged = 0)
 */
public record RankedQuery(
    String query, List<String> ids, List<double[]> features, Map<String, Integer> ratings) {}
