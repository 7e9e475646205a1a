# Reference figures from R's survival package for tests/analysis/test_survival_r.py.
#
# Run from the repository root (needs Rscript with packages survival, jsonlite and MASS; Debian:
#   apt-get install -y r-base-core r-cran-survival r-cran-jsonlite r-cran-mass):
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

km_entry <- function(d) {
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
  entry
}

for (path in sort(list.files(in_dir, pattern = "\\.csv$", full.names = TRUE))) {
  name <- sub("\\.csv$", "", basename(path))
  result$sets[[name]] <- km_entry(read.csv(path, stringsAsFactors = FALSE))
}

writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE), out_file)
cat("wrote", out_file, "with", length(result$sets), "data sets\n")

# ---- PFS, landmark OS, Cox regression, SPSS's 6-MP data (spec/analysis.md; issue 15) ----
# Inputs come from tests/analysis/r/export_endpoint_inputs.py; the output is
# tests/analysis/data/r_endpoints_reference.json (read by test_endpoints_r.py, test_cox_r.py and
# test_spss_median.py):
#   endpoints   km_entry of r_input_endpoints/*.csv (the hand-derived PFS and landmark rows) and,
#               where a group column exists, km_entry of each group;
#   cox         per data set of r_input_cox/models.json and per model (covariate list):
#               coxph(Surv(time, status) ~ ..., ties = "efron") with factors in the given level
#               order: n, events, excluded (na.action), coefficient names, coef, se, exp(coef),
#               the 95 % limits and Wald p of summary(), the likelihood-ratio test (logtest),
#               concordance (fit$concordance) and both log-likelihoods;
#   gehan_6mp   MASS::gehan's 6-MP arm (time in weeks, cens 1 = relapse).
ep_out <- file.path("tests", "analysis", "data", "r_endpoints_reference.json")
endpoints <- list(r_version = R.version.string,
                  survival_version = as.character(packageVersion("survival")),
                  endpoints = list(), cox = list())
for (path in sort(list.files(file.path("tests", "analysis", "data", "r_input_endpoints"),
                             pattern = "\\.csv$", full.names = TRUE))) {
  d <- read.csv(path, stringsAsFactors = FALSE)
  entry <- km_entry(d)
  if ("group" %in% names(d)) {
    entry$groups <- lapply(split(d, d$group), function(x) km_entry(x[, c("time", "status")]))
  }
  endpoints$endpoints[[sub("\\.csv$", "", basename(path))]] <- entry
}

cox_dir <- file.path("tests", "analysis", "data", "r_input_cox")
specs <- fromJSON(file.path(cox_dir, "models.json"), simplifyVector = FALSE)
for (name in names(specs)) {
  d <- read.csv(file.path(cox_dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
  for (f in names(specs[[name]]$factors)) {
    d[[f]] <- factor(d[[f]], levels = unlist(specs[[name]]$factors[[f]]))
  }
  fits <- list()
  for (covs in specs[[name]]$models) {
    covs <- unlist(covs)
    fit <- coxph(as.formula(paste("Surv(time, status) ~", paste(covs, collapse = " + "))),
                 data = d, ties = "efron")
    s <- summary(fit)
    fits[[length(fits) + 1]] <- list(
      covariates = covs, n = fit$n, events = fit$nevent, excluded = length(fit$na.action),
      terms = names(coef(fit)), coef = unname(coef(fit)), se = unname(sqrt(diag(fit$var))),
      hr = unname(exp(coef(fit))), lower = unname(s$conf.int[, "lower .95"]),
      upper = unname(s$conf.int[, "upper .95"]), p = unname(s$coefficients[, "Pr(>|z|)"]),
      lr = list(chisq = unname(s$logtest["test"]), df = unname(s$logtest["df"]),
                p = unname(s$logtest["pvalue"])),
      concordance = unname(fit$concordance["concordance"]), loglik = fit$loglik)
  }
  endpoints$cox[[name]] <- fits
}

g <- subset(MASS::gehan, treat == "6-MP")
endpoints$gehan_6mp <- list(time = g$time, cens = g$cens)

writeLines(toJSON(endpoints, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE), ep_out)
cat("wrote", ep_out, "\n")
