package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.runtime.execution.CancelTaskException;
import org.junit.jupiter.api.Test;

/** The catch-alls past parsing let a task's cancellation through and keep every other failure. */
class CancellationTest {
  @Test
  void aCancellationIsRethrownAndARecordsFailureIsNot() {
    CancelTaskException cancel = new CancelTaskException("Buffer pool has already been destroyed.");
    assertThatThrownBy(() -> Cancellation.rethrow(cancel)).isSameAs(cancel);

    assertThatCode(() -> Cancellation.rethrow(new IllegalStateException("a bad record")))
        .doesNotThrowAnyException();
    assertThatCode(() -> Cancellation.rethrow(new StackOverflowError())).doesNotThrowAnyException();
  }
}
