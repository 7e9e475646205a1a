# Reference figures from R's survival package for tests/analysis/test_survival_r.py.
#
# Run from the repository root (needs Rscript with packages survival and jsonlite; Debian:
#   apt-get install -y r-base-core r-cran-survival r-cran-jsonlite):
#   Rscript tests/analysis/r/make_reference.R
# (demo_os.csv comes from tests/analysis/r/export_demo_os.py; the other inputs are fixed small sets.)
# It reads every tests/analysis/data/r_input/*.csv (columns time [days], status [1 = death],
# optional group) and writes tests/analysis/data/r_reference.json, which is committed: the
# tests compare against it and never need R.
#
# Per data set and conf.type ("log" = R's default, "log-log", "plain"):
#   median, 0.95LCL, 0.95UCL  as print(fit) / summary(fit)$table give them (survmean rules),
#   quantile(fit, 0.5)        (R's other median routine, for information),
#   curve                     time, surv, lower, upper of the fit,
#   landmarks                 summary(fit, times = k * 365.25, extend = FALSE) for k = 1, 2, 3, 5
#                             (times after the last follow-up are absent -> null),
#   at_risk                   sum(time >= y * 365.25) for y = 0 .. floor(max(time) / 365.25);
# and survdiff(Surv(time, status) ~ group) where a group column exists.

suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

in_dir <- file.path("tests", "analysis", "data", "r_input")
out_file <- file.path("tests", "analysis", "data", "r_reference.json")
num <- function(x) if (length(x) == 0 || is.na(x)) NULL else unname(x)

result <- list(
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  sets = list()
)

for (path in sort(list.files(in_dir, pattern = "\\.csv$", full.names = TRUE))) {
  name <- sub("\\.csv$", "", basename(path))
  d <- read.csv(path, stringsAsFactors = FALSE)
  entry <- list(n = nrow(d), events = sum(d$status), fits = list())
  max_years <- floor(max(d$time) / 365.25)
  entry$at_risk <- setNames(as.list(sapply(0:max_years, function(y) sum(d$time >= y * 365.25))),
                            as.character(0:max_years))
  for (ct in c("log", "log-log", "plain")) {
    fit <- survfit(Surv(time, status) ~ 1, data = d, conf.type = ct)
    tab <- summary(fit)$table
    q <- quantile(fit, 0.5)
    landmarks <- list()
    for (k in c(1, 2, 3, 5)) {
      s <- if (k * 365.25 > max(d$time)) NULL else summary(fit, times = k * 365.25, extend = FALSE)
      if (is.null(s) || length(s$time) == 0) {
        landmarks[[as.character(k)]] <- list(s = NULL, lower = NULL, upper = NULL)
      } else {
        landmarks[[as.character(k)]] <- list(s = num(s$surv), lower = num(s$lower), upper = num(s$upper),
                                             n_risk = num(s$n.risk))
      }
    }
    entry$fits[[ct]] <- list(
      median = num(tab["median"]), lcl = num(tab["0.95LCL"]), ucl = num(tab["0.95UCL"]),
      quantile = list(median = num(q$quantile), lower = num(q$lower), upper = num(q$upper)),
      curve = list(time = fit$time, surv = fit$surv, lower = fit$lower, upper = fit$upper),
      landmarks = landmarks
    )
  }
  if ("group" %in% names(d)) {
    sd <- survdiff(Surv(time, status) ~ group, data = d)
    df <- length(sd$n) - 1
    entry$logrank <- list(chisq = sd$chisq, df = df, p = pchisq(sd$chisq, df, lower.tail = FALSE))
  }
  result$sets[[name]] <- entry
}

writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE), out_file)
cat("wrote", out_file, "with", length(result$sets), "data sets\n")
