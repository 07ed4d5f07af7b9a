//! A small seeded random number generator: xoshiro256** seeded through SplitMix64
//! (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021), with the
//! few distributions the simulator draws from. Same seed, same stream, on every platform.

/// One SplitMix64 step: a well-mixed 64-bit value from a counter.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Mixes several numbers (a scenario, a doctor, a day) into one seed.
pub fn seed_of(parts: &[u64]) -> u64 {
    let mut state = 0x0005_EED0_FC11_u64;
    for &part in parts {
        state ^= part;
        state = splitmix64(&mut state);
    }
    state
}

/// xoshiro256**.
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut state = seed;
        Rng {
            s: [(); 4].map(|_| splitmix64(&mut state)),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform index in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.uniform() * n as f64) as usize % n
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Standard normal (Box–Muller; one of the pair is used, for simplicity).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Exponential with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.uniform()).ln()
    }

    /// Gamma with the given mean and coefficient of variation (Marsaglia & Tsang, 2000,
    /// "A simple method for generating gamma variables", *ACM TOMS* 26(3)).
    pub fn gamma(&mut self, mean: f64, cv: f64) -> f64 {
        let shape = 1.0 / (cv * cv);
        let boost = if shape < 1.0 {
            self.uniform().max(1e-300).powf(1.0 / shape)
        } else {
            1.0
        };
        let d = if shape < 1.0 { shape + 1.0 } else { shape } - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = self.uniform();
            if u.max(1e-300).ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v * boost * mean / shape;
            }
        }
    }

    /// Logistic with the given location and scale.
    pub fn logistic(&mut self, location: f64, scale: f64) -> f64 {
        let u = self.uniform().clamp(1e-12, 1.0 - 1e-12);
        location + scale * (u / (1.0 - u)).ln()
    }

    /// Arrival instants of a Poisson process of `per_hour` over [from, to) minutes.
    pub fn poisson_times(&mut self, per_hour: f64, from: f64, to: f64) -> Vec<f64> {
        let mut times = Vec::new();
        if per_hour <= 0.0 {
            return times;
        }
        let mut t = from + self.exponential(60.0 / per_hour);
        while t < to {
            times.push(t);
            t += self.exponential(60.0 / per_hour);
        }
        times
    }
}
