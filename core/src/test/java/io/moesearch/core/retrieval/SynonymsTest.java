package io.moesearch.core.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.index.IndexFields;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.SynonymQuery;
import org.apache.lucene.search.TermQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Query-time synonyms of the BM25 branch (issue #17 item 3: "an optional synonyms file"). */
class SynonymsTest {
  private static Bm25Queries with(String rules) {
    return new Bm25Queries(QueryExpansion.of(Synonyms.parse(rules)));
  }

  @Test
  void anEquivalenceAddsEveryOtherSideToTheQuerysTerms() {
    Bm25Queries bm25 = with("laptop, notebook\n");
    assertThat(bm25.terms("gaming laptop"))
        .containsExactlyInAnyOrder("gaming", "laptop", "notebook");
    assertThat(bm25.terms("notebook")).containsExactlyInAnyOrder("notebook", "laptop");
  }

  @Test
  void rulesAreAnalysedLikeTheTextSoPluralsAndCaseMatch() {
    Bm25Queries bm25 = with("Laptops, NOTEBOOKS");
    assertThat(bm25.terms("laptops")).contains("laptop", "notebook");
    assertThat(bm25.terms("Laptop bag")).contains("laptop", "notebook", "bag");
  }

  @Test
  void aMultiWordSideMatchesTheWordsInSequenceAndAddsAllItsWords() {
    Bm25Queries bm25 = with("mobile phone, smartphone");
    assertThat(bm25.terms("smartphone case"))
        .containsExactlyInAnyOrder("smartphone", "mobile", "phone", "case");
    assertThat(bm25.terms("mobile phone")).contains("smartphone");
    assertThat(bm25.terms("phone mobile")).doesNotContain("smartphone");
  }

  @Test
  void aRuleMayNameModelCodesAndHyphenatedWordsWhichMatchWhateverTheirSeparators() {
    Bm25Queries bm25 = with("ps4, playstation 4\nearbuds, in-ear headphones\n");
    assertThat(bm25.terms("PS4 controller")).contains("playstation", "4", "controller");
    assertThat(bm25.terms("ps-4")).contains("playstation");
    assertThat(bm25.terms("playstation 4")).contains("ps4");
    assertThat(bm25.terms("earbuds")).contains("inear", "headphone");
  }

  /**
   * A rule's entry in digit groups that make a valid GTIN ("4 006381 333931") is its words, as
   * before queries joined them (SpacedGtinFilter): a rule is a sequence of words, and the joined
   * number stacked on them made Lucene's parser refuse the rule, and the job its start-up.
   */
  @Test
  void aRuleMayNameNumbersThatTogetherReadAsATradeItemNumber() {
    Bm25Queries bm25 = with("4 006381 333931, castell pencil\n");
    assertThat(bm25.terms("4 006381 333931")).contains("castell", "pencil", "04006381333931");
    assertThat(bm25.terms("castell pencil")).contains("4", "006381", "333931");
  }

  @Test
  void anExplicitMappingSearchesTheLeftSideAsTheRightSide() {
    Bm25Queries bm25 = with("# televisions\ntv => television\n");
    assertThat(bm25.terms("tv stand")).containsExactlyInAnyOrder("television", "stand");
    assertThat(bm25.terms("television")).containsExactly("television");
  }

  /**
   * One-word sides of a one-word term form one {@link SynonymQuery}; the words of a multi-word
   * side, or a one-word side standing for two query words, are term clauses; every term is searched
   * in exactly one clause, however the rules overlap (the cache's score bound needs it).
   */
  @Test
  void synonymsAreWeighedAsOneTermAndEveryTermIsSearchedOnce() {
    BooleanQuery q = (BooleanQuery) with("laptop, notebook").query("laptop bag");
    assertThat(q.clauses()).allMatch(c -> c.occur() == BooleanClause.Occur.SHOULD);
    assertThat(q.clauses())
        .extracting(BooleanClause::query)
        .containsExactly(
            new SynonymQuery.Builder(IndexFields.ALL_TEXT)
                .addTerm(new Term(IndexFields.ALL_TEXT, "laptop"))
                .addTerm(new Term(IndexFields.ALL_TEXT, "notebook"))
                .build(),
            new TermQuery(new Term(IndexFields.ALL_TEXT, "bag")));
    assertThat(((BooleanQuery) with("mobile phone, smartphone").query("smartphone")).clauses())
        .extracting(BooleanClause::query)
        .containsExactlyInAnyOrder(
            new TermQuery(new Term(IndexFields.ALL_TEXT, "smartphone")),
            new TermQuery(new Term(IndexFields.ALL_TEXT, "mobile")),
            new TermQuery(new Term(IndexFields.ALL_TEXT, "phone")));
    assertThat(((BooleanQuery) with("tv => television").query("tv")).clauses())
        .extracting(BooleanClause::query)
        .containsExactly(new TermQuery(new Term(IndexFields.ALL_TEXT, "television")));
    assertThat(with("laptop, notebook").query("usb cable"))
        .isEqualTo(new Bm25Queries().query("usb cable"));
    // Overlapping multi-word rules, repeated words: each term in one clause only.
    Bm25Queries overlapping =
        with(
            "cellphone, cell phone, mobile phone\n"
                + "hdd, hard disk, hard drive\n"
                + "ssd, solid state drive\n"
                + "usb stick, usb flash drive, thumb drive, pen drive\n"
                + "ps4, playstation 4\n");
    for (String text :
        new String[] {
          "cellphone",
          "hdd",
          "usb stick",
          "ps4",
          "external hard drive",
          "ssd ssd ssd",
          "ssd solid state drive",
          "mousepad mouse pad"
        }) {
      List<String> searched = new ArrayList<>();
      collectTerms(overlapping.query(text), searched);
      assertThat(searched).as(text).doesNotHaveDuplicates().isNotEmpty();
    }
  }

  private static void collectTerms(Query q, List<String> out) {
    q.visit(
        new QueryVisitor() {
          @Override
          public void consumeTerms(Query query, Term... terms) {
            for (Term t : terms) {
              out.add(t.text());
            }
          }

          @Override
          public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
            return this;
          }
        });
  }

  /** A rules file of only comments or one-word lines holds no rule: no synonyms, no failure. */
  @Test
  void rulesWithoutARuleAreNone() {
    assertThat(Synonyms.parse("# all rules commented out\n# laptop, notebook\n"))
        .isSameAs(Synonyms.NONE);
    assertThat(Synonyms.parse("laptop\n")).isSameAs(Synonyms.NONE);
    assertThat(new Bm25Queries(QueryExpansion.of(Synonyms.parse("# none\n"))).terms("laptop"))
        .containsExactly("laptop");
  }

  @Test
  void withoutRulesAQuerySearchesItsOwnTermsOnly() {
    assertThat(Synonyms.parse("  \n")).isSameAs(Synonyms.NONE);
    assertThat(new Bm25Queries(QueryExpansion.NONE).terms("Gaming Laptops 16GB"))
        .isEqualTo(new Bm25Queries().terms("Gaming Laptops 16GB"))
        .containsExactly("gaming", "laptop", "16", "gb");
    assertThat(with("laptop, notebook").terms("usb cable")).containsExactly("usb", "cable");
  }

  @Test
  void aBadRuleFailsNamingItsLine() {
    assertThatThrownBy(() -> Synonyms.parse("laptop, notebook\ntv => television => telly\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2");
  }

  @Test
  void rulesLargerThanTheLimitAreRefused() {
    String big = "a, b\n".repeat(Synonyms.MAX_CHARS / 5 + 1);
    assertThatThrownBy(() -> Synonyms.parse(big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(Synonyms.MAX_CHARS));
  }

  /**
   * A rule of n entries compiles to n × n mappings (each entry to every entry), so a file well
   * within {@link Synonyms#MAX_CHARS} (one group of 6,000 words, 56 KB) took seconds and hundreds
   * of MB to compile, and a 1 MiB group (150,000 words) more memory than any heap: the job never
   * started, on the client and on every TaskManager (which compile the rules again), instead of
   * failing naming the setting. A rule's mappings are bounded, so such a file is refused at once
   * naming its line.
   */
  @Test
  void aRuleOfMoreMappingsThanTheLimitIsRefusedNamingItsLine() {
    StringBuilder group = new StringBuilder();
    for (int i = 0; i < 6_000; i++) {
      group.append(i == 0 ? "" : ", ").append("zq");
      for (int n = i; n > 0; n /= 26) {
        group.append((char) ('a' + n % 26));
      }
    }
    String rules = "laptop, notebook\n" + group + "\n";
    assertThat(rules.length()).isLessThan(Synonyms.MAX_CHARS);
    assertThatThrownBy(() -> Synonyms.parse(rules))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2");
    assertThat(with("laptop, notebook\ntv, television, telly").terms("tv"))
        .contains("tv", "television", "telly");
  }

  /**
   * The bound on mappings reads lines and comments as Lucene's parser does (a line ends at {@code
   * \n}, {@code \r} or both; a comment is a line whose first character is {@code #}). It read them
   * otherwise: a line indented before its {@code #} was skipped as a comment, as was one whose
   * {@code #} follows a U+2028 line separator, while Lucene compiled each as one rule, so a group
   * of any size hidden so passed the bound (2,100 entries here: 4.4 million mappings; 150,000 in a
   * 1 MiB file, more memory than any heap).
   */
  @Test
  void aRuleTheBoundWouldReadAsACommentIsCountedAsTheParserReadsIt() {
    StringBuilder group = new StringBuilder();
    for (int i = 0; i < 2_100; i++) {
      group.append(i == 0 ? "" : ", ").append("zq");
      for (int n = i; n > 0; n /= 26) {
        group.append((char) ('a' + n % 26));
      }
    }
    assertThat((long) 2_100 * 2_100).isGreaterThan(Synonyms.MAX_MAPPINGS);
    for (String hidden : new String[] {"  # " + group, "tv\u2028# " + group}) {
      String rules = "laptop, notebook\n" + hidden + "\n";
      assertThatThrownBy(() -> Synonyms.parse(rules))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("line 2")
          .hasMessageContaining(String.valueOf(Synonyms.MAX_MAPPINGS));
    }
    // what Lucene reads as a comment stays one
    assertThat(with("laptop, notebook\n# tv, television\n").terms("tv")).containsExactly("tv");
  }

  /**
   * An escaped arrow ({@code \\=>}) separates no sides for Lucene's parser, which reads it as part
   * of an entry: the rule is one group. The bound split the line there all the same and counted one
   * entry times the others (2,101 here) where the parser compiles 2,101 × 2,101.
   */
  @Test
  void anEscapedArrowIsNoArrowForTheBound() {
    StringBuilder group = new StringBuilder("x\\=>");
    for (int i = 0; i < 2_100; i++) {
      group.append(", zq");
      for (int n = i; n > 0; n /= 26) {
        group.append((char) ('a' + n % 26));
      }
    }
    assertThatThrownBy(() -> Synonyms.parse("laptop, notebook\n" + group + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining(String.valueOf(Synonyms.MAX_MAPPINGS));
    // the parser's reading: one group of three
    assertThat(with("tv\\=>, laptop, notebook").terms("laptop")).contains("tv", "notebook");
  }

  @Test
  void aFileIsReadAsUtf8AndAMissingOrMalformedOneIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("synonyms.txt");
    Files.writeString(file, "café, coffee\n", StandardCharsets.UTF_8);
    assertThat(new Bm25Queries(QueryExpansion.of(Synonyms.read(file))).terms("coffee"))
        .contains("cafe");
    assertThatThrownBy(() -> Synonyms.read(dir.resolve("missing.txt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.txt");
    Path latin1 = dir.resolve("latin1.txt");
    Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9, ',', ' ', 'x', '\n'});
    assertThatThrownBy(() -> Synonyms.read(latin1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void rulesSurviveSerialisationAndRecompileWhereUsed() throws Exception {
    Synonyms s = Synonyms.parse("laptop, notebook");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
      out.writeObject(Synonyms.NONE);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      Synonyms copy = (Synonyms) in.readObject();
      assertThat(copy).isEqualTo(s);
      assertThat(new Bm25Queries(QueryExpansion.of(copy)).terms("laptop")).contains("notebook");
      assertThat(in.readObject()).isSameAs(Synonyms.NONE);
    }
  }
}
