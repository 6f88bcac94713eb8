"""The milestone and challenge ids of the built-in pack before the 2027 roadmap (pack version 1).

Members' ticks and challenge posts are stored under these ids, so every one of them must still
be an id of the pack, or be declared in a `replaces` list of the entry that took it over.
"""

MILESTONES = (
    *("python-fluency", "dev-environment", "git-daily", "numpy-arrays", "linear-algebra"),
    *("gradients", "probability-statistics", "pandas-wrangling", "exploratory-analysis"),
    *("sql-basics", "first-data-story", "ml-workflow", "linear-models", "trees-and-boosting"),
    *("metrics", "validation-and-tuning", "feature-engineering", "unsupervised-learning"),
    *("bias-variance", "first-ml-project", "kaggle-entry", "network-from-scratch"),
    *("pytorch-training-loop", "training-debugging", "convolutional-networks"),
    *("transfer-learning", "text-representations", "attention-and-transformers"),
    *("transformer-fine-tuning", "experiment-tracking", "deep-learning-project"),
    *("packaged-model", "model-api", "cloud-deployment", "ci-pipeline", "model-monitoring"),
    *("llm-application", "responsible-ai", "capstone", "certification-exam", "portfolio"),
    *("choose-specialization", "how-llms-work", "retrieval-augmented-generation"),
    *("agents-and-tools", "open-model-fine-tuning", "reinforcement-learning"),
    *("generative-media", "industry-project", "paper-reproduction"),
    *("open-source-contribution", "teach-others"),
)

CHALLENGES = (
    *("p1-word-stats", "p1-cli-with-tests", "p1-numpy-vectorize", "p1-probability-sims"),
    *("p1-sql-basics", "p1-linear-algebra", "p1-pandas-cleaning", "p1-eda-housing"),
    *("p1-time-series", "p1-hypothesis-tests", "p1-gradient-descent", "p1-svd-compression"),
    *("p1-tiny-autograd", "p1-data-report", "p2-first-classifier", "p2-linreg-from-scratch"),
    *("p2-metrics-thresholds", "p2-logreg-from-scratch", "p2-cross-validation"),
    *("p2-titanic-pipeline", "p2-pca-digits", "p2-customer-clusters", "p2-trees-and-boosting"),
    *("p2-sentiment-tfidf", "p2-movie-recommender", "p2-imbalanced-fraud"),
    *("p2-house-prices-model-card", "p3-tensors-autograd", "p3-training-loop-mlp"),
    *("p3-training-diagnostics", "p3-cnn-cifar10", "p3-transfer-learning", "p3-embeddings"),
    *("p3-bpe-tokenizer", "p3-lstm-classifier", "p3-finetune-transformer"),
    *("p3-object-detection", "p3-seq2seq-attention", "p3-tiny-gpt", "p4-model-api"),
    *("p4-docker-ci", "p4-experiment-tracking", "p4-certification-map", "p4-llm-eval-harness"),
    *("p4-drift-monitoring", "p4-cost-latency", "p4-rag-app", "p4-rag-evaluation"),
    *("p4-lora-finetune", "p5-q-learning", "p5-game-agent", "p5-medical-imaging"),
    *("p5-credit-scoring", "p5-intrusion-detection", "p5-ecommerce-recommender"),
    *("p5-diffusion-model", "p5-driving-simulation", "p5-reproduce-paper"),
)
